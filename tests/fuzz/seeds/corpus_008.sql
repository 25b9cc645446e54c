create table t1 (a int) partition by range(a);
