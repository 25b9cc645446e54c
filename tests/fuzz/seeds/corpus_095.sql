select n_name from nation union all select r_name from region intersect select r_name from region except select 'x';
