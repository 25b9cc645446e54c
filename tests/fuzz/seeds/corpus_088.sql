select * from nation right join region on n_regionkey = r_regionkey;
