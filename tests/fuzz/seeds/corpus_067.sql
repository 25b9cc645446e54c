select n_name from nation union select r_regionkey from region;
