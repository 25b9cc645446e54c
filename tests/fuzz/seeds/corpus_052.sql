select * from lineitem where l_shipdate > '1998-02-30';
