select n_name from nation union select r_name from region;
