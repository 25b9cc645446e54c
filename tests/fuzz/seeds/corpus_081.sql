select * from region where r_name = 'x' and r_regionkey;
