select count(*) from lineitem where sum(l_quantity) > 1;
