select n_name from nation order by 3;
