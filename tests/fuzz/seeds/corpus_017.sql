create view v3 as select 1 as a, 2 as a;
