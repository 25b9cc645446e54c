select frobnicate(l_tax) from lineitem;
