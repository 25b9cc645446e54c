select 1e5x from region;
