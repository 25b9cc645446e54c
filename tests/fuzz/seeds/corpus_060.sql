select sum(l_tax, l_quantity) from lineitem;
