create table t1 (a int, a int);
