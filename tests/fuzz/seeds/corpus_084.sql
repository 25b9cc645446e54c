select * from lineitem;
