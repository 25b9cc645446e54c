select * from nation where n_nationkey in (select n_nationkey, n_name from nation);
