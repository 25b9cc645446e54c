select * from lineitem where l_shipdate = 5;
