select (1 + 2 from region;
