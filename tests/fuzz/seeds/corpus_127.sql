create table t (a integer not null, b bigint, c decimal(10,2), d double, e varchar(20), f char(3), g date, h boolean) partition by hash(a, e) order by (g);
