create view v2 (a, b) as select 1;
