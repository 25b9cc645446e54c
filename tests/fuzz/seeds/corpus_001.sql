create table lineitem (a int);
