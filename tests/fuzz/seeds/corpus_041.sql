select * from lineitem where;
