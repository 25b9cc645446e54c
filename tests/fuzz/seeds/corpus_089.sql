select * from nation full outer join region on n_regionkey = r_regionkey;
