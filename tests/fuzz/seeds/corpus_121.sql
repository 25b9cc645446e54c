select n_name from nation n where n.n_regionkey = (select r_regionkey from region r where r.r_name = n.n_name);
