show;
