select * from lineitem where l_discount between 0.06 - 0.01 and 0.06 + 0.01 and l_quantity not between 1 and 2;
