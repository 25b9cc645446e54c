select * from lineitem where l_quantity;
