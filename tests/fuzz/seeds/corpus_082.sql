select distinct upper(distinct r_name) from region;
