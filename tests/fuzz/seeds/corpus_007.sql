create table t1 (a int) order by (a, c);
