drop table rr;
