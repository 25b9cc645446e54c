explain select * from lineitem;
