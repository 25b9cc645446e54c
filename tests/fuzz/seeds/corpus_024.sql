copy nope from 'x';
