select x.n_name from nation n;
