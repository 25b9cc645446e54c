create view v1 as select n_name from nation;
