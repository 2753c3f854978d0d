    /* Your code: as copy_from_user, the other way (the walk asks for writable pages). */
    (void)set;
    (void)destination;
    (void)source;
    (void)length;
    return -EFAULT;
