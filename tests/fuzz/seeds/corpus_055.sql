select sum(l_comment) from lineitem;
