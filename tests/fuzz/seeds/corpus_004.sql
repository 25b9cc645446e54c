create table t1 (a decimal(50, 2));
