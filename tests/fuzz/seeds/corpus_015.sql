create view v1 as select 1;
