create table t1 (a frob);
