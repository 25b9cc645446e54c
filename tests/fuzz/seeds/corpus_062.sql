select n_name from nation n, nation m;
