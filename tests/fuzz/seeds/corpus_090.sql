select n_name, r_name from nation cross join region;
