deallocate q;
