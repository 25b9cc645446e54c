select cast(1 as blob) from region;
