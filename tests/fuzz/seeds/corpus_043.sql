selec * from lineitem;
