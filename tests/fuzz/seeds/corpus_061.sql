select n_name from nation, region where n_regionkey = r_regionkey group by r_name;
