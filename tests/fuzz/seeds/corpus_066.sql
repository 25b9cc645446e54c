select n_name from nation union select r_regionkey, r_name from region;
