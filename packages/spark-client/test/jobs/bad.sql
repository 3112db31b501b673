SELECT no_such_column FROM range(3);
