select * from (select * from (select * from (select n_name from nation) a) b) c;
