select * from (nation join region on n_regionkey = r_regionkey);
