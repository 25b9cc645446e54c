insert into region select n_name from nation;
