select r_name as "Region Name", r_regionkey rk from region order by "Region Name", rk;
