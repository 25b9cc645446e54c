select (select n_nationkey, n_name from nation) from region;
