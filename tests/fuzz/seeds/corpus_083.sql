select r_name from region order by r_name having;
