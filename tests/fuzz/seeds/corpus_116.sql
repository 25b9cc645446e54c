select -l_quantity, +l_quantity, l_quantity % 2, l_comment || '!' from lineitem;
