select true, false, null, not true from region;
